<?php
// v1
