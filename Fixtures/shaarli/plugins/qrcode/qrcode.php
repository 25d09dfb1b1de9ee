<?php
function hook_qrcode_render_linklist($data) { return $data; }
