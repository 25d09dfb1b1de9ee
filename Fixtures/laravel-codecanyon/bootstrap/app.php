<?php // boots the app
