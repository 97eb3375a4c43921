import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { KindPipeError } from '../../core/errors.js';
import { sha256 } from '../../core/util/hash.js';

/** How a manifest carries its signature (over the canonical JSON of everything else in it). */
export interface ManifestSignature {
  algorithm: 'ed25519';
  /** The signer's public key, SPKI PEM: enough to check integrity; identity needs `verify --key`. */
  publicKey: string;
  /** sha256 of the public key's DER bytes: how two people compare keys over the phone. */
  keyId: string;
  /** base64 */
  value: string;
}

/** `kind-pipe keys generate`: PREFIX.key (PKCS#8 PEM, mode 0600) and PREFIX.pub (SPKI PEM); never replaces a key. */
export function generateKeys(prefix: string): { privatePath: string; publicPath: string; keyId: string } {
  const privatePath = `${prefix}.key`;
  const publicPath = `${prefix}.pub`;
  for (const path of [privatePath, publicPath]) {
    if (existsSync(path)) throw new KindPipeError('output', `${path} exists; kind-pipe never replaces a key. Fix: choose another --out, or remove it if you really mean to`);
  }
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const write = (path: string, text: string, mode: number) => {
    const temp = `${path}.${process.pid}.tmp`;
    writeFileSync(temp, text, { mode });
    renameSync(temp, path);
  };
  write(privatePath, privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), 0o600);
  write(publicPath, publicKey.export({ type: 'spki', format: 'pem' }).toString(), 0o644);
  return { privatePath, publicPath, keyId: keyIdOf(publicKey) };
}

/** The private key of `run --sign-key`, read and checked before any work. */
export function loadSigningKey(path: string): KeyObject {
  let key: KeyObject;
  try {
    key = createPrivateKey(readFileSync(path));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new KindPipeError(code === 'ENOENT' || code === 'EACCES' ? 'input' : 'usage', `--sign-key ${path}: ${code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'not readable' : 'not a private key in PEM'}. Fix: kind-pipe keys generate --out NAME makes NAME.key`);
  }
  if (key.asymmetricKeyType !== 'ed25519') throw new KindPipeError('usage', `--sign-key ${path}: a ${key.asymmetricKeyType} key; kind-pipe signs with Ed25519. Fix: kind-pipe keys generate --out NAME`);
  return key;
}

/** A public key given to `verify --key`, as PEM. */
export function loadPublicKey(path: string): KeyObject {
  try {
    return createPublicKey(readFileSync(path));
  } catch (error) {
    throw new KindPipeError('input', `--key ${path}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : 'not a public key in PEM'}. Fix: give the signer's NAME.pub`);
  }
}

export function keyIdOf(publicKey: KeyObject): string {
  return sha256(publicKey.export({ type: 'spki', format: 'der' }));
}

export function signText(text: string, key: KeyObject): ManifestSignature {
  const publicKey = createPublicKey(key);
  return {
    algorithm: 'ed25519',
    publicKey: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    keyId: keyIdOf(publicKey),
    value: sign(null, Buffer.from(text, 'utf8'), key).toString('base64'),
  };
}

/** Whether `signature` is a valid Ed25519 signature of `text` by the key it names; false on any malformed part. */
export function signatureHolds(text: string, signature: ManifestSignature): boolean {
  try {
    const key = createPublicKey(signature.publicKey);
    if (key.asymmetricKeyType !== 'ed25519' || keyIdOf(key) !== signature.keyId) return false;
    const value = Buffer.from(signature.value, 'base64');
    if (value.toString('base64') !== signature.value) return false; // base64 decoding skips stray characters and spare bits
    return verify(null, Buffer.from(text, 'utf8'), key, value);
  } catch {
    return false;
  }
}
