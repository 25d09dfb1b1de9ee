/*! Matomo tracker */
var Matomo = {};
