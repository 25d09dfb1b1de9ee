<?php
// v1
include 'common.php';
