<?php
namespace Shaarli\Bookmark;

class Bookmark {}
