<?php
namespace Config;
