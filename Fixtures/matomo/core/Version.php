<?php
namespace Piwik;

final class Version { const VERSION = "5.1.2"; }
