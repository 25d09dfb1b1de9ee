<?php
// refuses to run when conf/local.php exists and is not empty
