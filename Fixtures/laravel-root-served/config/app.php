<?php return ['name' => 'October'];
