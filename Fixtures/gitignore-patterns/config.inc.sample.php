<?php $db = 'localhost';
