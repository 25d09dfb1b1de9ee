<?php
// the tracking endpoint
require_once __DIR__ . "/piwik.php";
