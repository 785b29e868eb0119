package chain

// EmptyToNil is the decoder's empty-list normalisation, for the fuzz test's
// comparison with encoding/json.
var EmptyToNil = emptyToNil
