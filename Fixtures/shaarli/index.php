<?php
// v1
require_once __DIR__ . "/init.php";
