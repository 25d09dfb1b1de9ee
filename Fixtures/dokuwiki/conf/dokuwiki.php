<?php $conf['title'] = 'DokuWiki';
