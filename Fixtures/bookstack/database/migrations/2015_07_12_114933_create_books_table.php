<?php

return new class extends Illuminate\Database\Migrations\Migration {};
