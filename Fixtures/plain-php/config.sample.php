<?php return ['db' => 'data/app.sqlite'];
