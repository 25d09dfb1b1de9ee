<?php
// v1
require __DIR__.'/system/defines.php';
