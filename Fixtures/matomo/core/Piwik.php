<?php
namespace Piwik;

class Piwik {}
