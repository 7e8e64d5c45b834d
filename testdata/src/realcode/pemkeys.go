package realcode

import (
	"bytes"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"os"
)

// From Eanhain/gometrics (utils/createCerts.go), paraphrased: keys encoded
// as PEM into buffers and written in place. Not JSON by name or by data:
// quiet (a true negative the buffer rules must keep).
func writeKeys(key *rsa.PrivateKey) {
	var priv, pub bytes.Buffer
	pem.Encode(&priv, &pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)})
	pem.Encode(&pub, &pem.Block{Type: "RSA PUBLIC KEY", Bytes: x509.MarshalPKCS1PublicKey(&key.PublicKey)})
	os.WriteFile("configs/pubKey.pem", pub.Bytes(), 0o644)
	os.WriteFile("configs/privKey.pem", priv.Bytes(), 0o600)
}
