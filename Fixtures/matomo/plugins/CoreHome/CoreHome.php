<?php
namespace Piwik\Plugins\CoreHome;

class CoreHome extends \Piwik\Plugin {}
