<?php // v1
