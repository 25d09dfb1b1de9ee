<?php
// v1
require dirname(__DIR__).'/vendor/autoload_runtime.php';
