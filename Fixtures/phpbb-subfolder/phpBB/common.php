<?php
if (!file_exists(__DIR__.'/config.php')) { header('Location: install/'); }
