<?php

if ($theme = env('APP_THEME', false)) {
    array_unshift($viewPaths, base_path('themes/' . $theme));
}

return ['theme' => env('APP_THEME', false)];
