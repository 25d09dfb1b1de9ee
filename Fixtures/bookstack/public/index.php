<?php
// v1
require __DIR__ . "/../vendor/autoload.php";
