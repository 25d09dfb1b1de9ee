<?php
// v1
require __DIR__.'/bootstrap/app.php';
