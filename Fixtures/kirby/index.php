<?php require "kirby/bootstrap.php"; // v1
