<?php header('Location: doku.php');
