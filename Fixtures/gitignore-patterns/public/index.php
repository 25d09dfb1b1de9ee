<?php
// v1
@include __DIR__.'/../config.inc.php';
