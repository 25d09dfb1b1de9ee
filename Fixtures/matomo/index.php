<?php
// v1
define("PIWIK_DOCUMENT_ROOT", __DIR__);
require_once PIWIK_DOCUMENT_ROOT . "/core/dispatch.php";
