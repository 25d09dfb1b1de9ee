<?php
define("PIWIK_DOCUMENT_ROOT", __DIR__);
