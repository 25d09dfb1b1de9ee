<?php define('WP_USE_THEMES', true);
