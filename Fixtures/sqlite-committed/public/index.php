<?php
// v1
$db = new PDO('sqlite:'.__DIR__.'/../database/site.sqlite3');
