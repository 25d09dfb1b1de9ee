<?php
namespace Cms;
