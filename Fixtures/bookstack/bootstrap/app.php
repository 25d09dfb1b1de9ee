<?php
$app = new BookStack\App\Application(dirname(__DIR__));
return $app;
