<?php $lang = [];
