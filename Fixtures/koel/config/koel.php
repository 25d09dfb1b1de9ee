<?php

return [
    // The *relative* path to the directory to store artist images, playlist covers, user avatars, etc.
    // This is relative to the public path.
    'image_storage_dir' => 'storage/images',
];
