package fake

// Token is the secret of the API token that Tokens knows, named TokenName.
const (
	Token     = "gx_fake-token-of-the-tests-0123456789abcdefghij"
	TokenName = "tests"
)

// Tokens is an httpapi.Tokens that knows one token, Token.
type Tokens struct{}

// Check implements httpapi.Tokens.
func (Tokens) Check(secret string) (id, name string, ok bool) {
	if secret == Token {
		return "t1", TokenName, true
	}
	return "", "", false
}
