<?php
// v1
require __DIR__.'/../src/Site.php';
