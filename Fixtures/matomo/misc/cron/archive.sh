#!/bin/sh
php console core:archive
