<?php
namespace BookStack\Theming;

class ThemeService {}
