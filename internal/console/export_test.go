package console

// Texts gives the tests the catalogue.
var Texts = texts
