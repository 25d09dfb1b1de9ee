<?php define('GRAV', true);
