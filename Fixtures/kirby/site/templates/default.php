<?php // template
