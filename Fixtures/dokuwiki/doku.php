<?php
// v1
require __DIR__.'/inc/init.php';
