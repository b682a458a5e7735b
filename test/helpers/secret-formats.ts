import crypto from 'node:crypto';

/**
 * Fake but well-formed credentials of every format the secret scanner must refuse, generated at
 * run time from a fixed seed (the same values every run, and no real-looking key committed as a
 * literal). `missedBefore` marks the formats the first scanner (secretlint's recommended preset
 * plus a few provider patterns) let through in the security campaign of issue #18.
 */
export interface SecretFormat {
  name: string;
  /** The text to plant (one or more lines). */
  text: string;
  /** The part that must never be echoed back. */
  secret: string;
  missedBefore?: boolean;
}

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const HEX = '0123456789abcdef';
const BASE64 = `${ALNUM}+/`;
const URLSAFE = `${ALNUM}_-`;
const UPPER32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** A deterministic random string: bytes from sha256(seed, counter), mapped onto `alphabet`. */
export function fakeString(seed: string, alphabet: string, length: number): string {
  let out = '';
  for (let block = 0; out.length < length; block++) {
    const bytes = crypto.createHash('sha256').update(`${seed}:${block}`).digest();
    for (const byte of bytes) {
      // Rejection sampling keeps every character equally likely.
      if (byte >= 256 - (256 % alphabet.length)) continue;
      out += alphabet[byte % alphabet.length];
      if (out.length === length) break;
    }
  }
  return out;
}

const j = (...parts: string[]) => parts.join('');

function pemKey(kind: 'rsa-pkcs1' | 'rsa-pkcs8' | 'ec' | 'ed25519'): string {
  if (kind === 'ed25519')
    return crypto.generateKeyPairSync('ed25519', {
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
      publicKeyEncoding: { type: 'spki', format: 'pem' },
    }).privateKey;
  if (kind === 'ec')
    return crypto.generateKeyPairSync('ec', {
      namedCurve: 'P-256',
      privateKeyEncoding: { type: 'sec1', format: 'pem' },
      publicKeyEncoding: { type: 'spki', format: 'pem' },
    }).privateKey;
  return crypto.generateKeyPairSync('rsa', {
    modulusLength: 1024,
    privateKeyEncoding: { type: kind === 'rsa-pkcs1' ? 'pkcs1' : 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  }).privateKey;
}

function openSshKey(): string {
  const body = Buffer.concat([
    Buffer.from('openssh-key-v1\0'),
    Buffer.from(fakeString('openssh', BASE64, 300), 'base64'),
  ]).toString('base64');
  const lines = body.match(/.{1,70}/g) ?? [];
  return j('-----BEGIN OPENSSH ', 'PRIVATE KEY-----\n', lines.join('\n'), '\n-----END OPENSSH PRIVATE KEY-----');
}

/** Every format, each a self-contained snippet. */
export function secretFormats(): SecretFormat[] {
  const f = (seed: string, alphabet: string, length: number) => fakeString(seed, alphabet, length);
  const formats: SecretFormat[] = [];
  const add = (name: string, text: string, secret: string, missedBefore = false) =>
    formats.push({ name, text, secret, ...(missedBefore ? { missedBefore } : {}) });

  const ghp = j('gh', 'p_', f('ghp', ALNUM, 36));
  add('GitHub classic token', `export GITHUB_TOKEN=${ghp}`, ghp);
  const pat = j('github', '_pat_', f('ghpat1', ALNUM, 22), '_', f('ghpat2', ALNUM, 59));
  add('GitHub fine-grained token', `git clone https://x:${pat}@github.com/org/repo.git`, pat);
  const gho = j('gh', 'o_', f('gho', ALNUM, 36));
  add('GitHub OAuth token', `Authorization: token ${gho}`, gho);
  const ghs = j('gh', 's_', f('ghs', ALNUM, 36));
  add('GitHub app token', `installation token ${ghs} expired`, ghs);
  const glpat = j('gl', 'pat-', f('glpat', URLSAFE, 20));
  add('GitLab personal access token', `GITLAB_TOKEN=${glpat}`, glpat, true);
  const akia = j('AK', 'IA', f('akia', UPPER32, 16));
  add('AWS access key id', `the key ${akia} worked`, akia);
  const awsSecret = f('aws-secret', BASE64, 40);
  add('AWS secret access key', `aws_secret_access_key = ${awsSecret}`, awsSecret);
  const rsa1 = pemKey('rsa-pkcs1');
  add('RSA private key (PKCS#1)', rsa1.trim(), rsa1.split('\n')[5] as string);
  const ec = pemKey('ec');
  add('EC private key', ec.trim(), ec.split('\n')[1] as string, true);
  const ed = pemKey('ed25519');
  add('PKCS#8 private key (Ed25519)', ed.trim(), ed.split('\n')[1] as string, true);
  const rsa8 = pemKey('rsa-pkcs8');
  add('PKCS#8 private key (RSA)', rsa8.trim(), rsa8.split('\n')[5] as string);
  const ssh = openSshKey();
  add('OpenSSH private key', ssh, ssh.split('\n')[2] as string);
  // A fake key body (random base64 after the usual PKCS#8 RSA prefix): well-formed, not parseable.
  const fakeBody = `MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQ${f('gcp-key', BASE64, 1570)}`;
  const fakePkcs8 = j('-----BEGIN ', 'PRIVATE KEY-----\n', (fakeBody.match(/.{1,64}/g) ?? []).join('\n'));
  const gcpKey = `${fakePkcs8}\n-----END PRIVATE KEY-----\n`;
  const sa = JSON.stringify(
    {
      type: 'service_account',
      project_id: 'demo-project-123',
      private_key_id: f('gcp-kid', HEX, 40),
      private_key: gcpKey,
      client_email: 'deployer@demo-project-123.iam.gserviceaccount.com',
      client_id: '104857392018475629384',
    },
    null,
    2,
  );
  add('GCP service-account JSON', sa, fakeBody.slice(64, 128));
  const aiza = j('AI', 'za', f('aiza', URLSAFE, 35));
  add('Google API key', `const key = "${aiza}";`, aiza);
  const azureKey = `${f('azure', BASE64, 86)}==`;
  add(
    'Azure storage connection string',
    `DefaultEndpointsProtocol=https;AccountName=demoacct;AccountKey=${azureKey};EndpointSuffix=core.windows.net`,
    azureKey,
    true,
  );
  const azureAd = j(f('azad1', ALNUM, 3), '8Q~', f('azad2', ALNUM, 34));
  add('Azure AD client secret', `client_secret: ${azureAd}`, azureAd, true);
  const xoxb = j(
    'xo',
    'xb-',
    f('xoxb1', '0123456789', 12),
    '-',
    f('xoxb2', '0123456789', 13),
    '-',
    f('xoxb3', ALNUM, 24),
  );
  add('Slack bot token', `SLACK_BOT_TOKEN=${xoxb}`, xoxb);
  const hook = j('https://hooks.slack', '.com/services/T', f('sw1', UPPER32, 8), '/B', f('sw2', UPPER32, 8), '/');
  const hookSecret = f('sw3', ALNUM, 24);
  add('Slack webhook URL', `curl -X POST ${hook}${hookSecret}`, hookSecret);
  const skLive = j('sk', '_live_', f('sklive', ALNUM, 99).slice(0, 24));
  add('Stripe secret key', `stripe.api_key = "${skLive}"`, skLive);
  const rkLive = j('rk', '_live_', f('rklive', ALNUM, 24));
  add('Stripe restricted key', `STRIPE_KEY=${rkLive}`, rkLive);
  const whsec = j('wh', 'sec_', f('whsec', ALNUM, 32));
  add('Stripe webhook secret', `endpoint secret ${whsec}`, whsec);
  const openai = j('sk', '-proj-', f('openai', URLSAFE, 64));
  add('OpenAI project key', `OPENAI_API_KEY=${openai}`, openai);
  const anthropic = j('sk', '-ant-api03-', f('ant', URLSAFE, 93), 'AA');
  add('Anthropic API key', `ANTHROPIC_API_KEY=${anthropic}`, anthropic);
  const npm = j('np', 'm_', f('npm', ALNUM, 36));
  add('npm token', `//registry.npmjs.org/:_authToken=${npm}`, npm);
  const pypi = j('pypi-AgEIcHlwaS5vcmc', f('pypi', URLSAFE, 70));
  add('PyPI token', `password = ${pypi}`, pypi, true);
  const twilioSid = j('AC', f('twsid', HEX, 32));
  const twilioToken = f('twtok', HEX, 32);
  add(
    'Twilio account SID and auth token',
    `TWILIO_ACCOUNT_SID=${twilioSid}\nTWILIO_AUTH_TOKEN=${twilioToken}`,
    twilioToken,
    true,
  );
  const twilioSk = j('S', 'K', f('twsk', HEX, 32));
  add('Twilio API key', `client = Client(${JSON.stringify(twilioSk)}, api_secret, account_sid)`, twilioSk, true);
  const sendgrid = j('S', 'G.', f('sg1', URLSAFE, 22), '.', f('sg2', URLSAFE, 43));
  add('SendGrid API key', `sg = SendGridAPIClient("${sendgrid}")`, sendgrid, true);
  const mailchimp = j(f('mc', HEX, 32), '-us', '21');
  add('Mailchimp API key', `MAILCHIMP_KEY="${mailchimp}"`, mailchimp, true);
  const dop = j('do', 'p_v1_', f('dop', HEX, 64));
  add('DigitalOcean token', `doctl auth init --access-token ${dop}`, dop, true);
  const shpat = j('shp', 'at_', f('shpat', HEX, 32));
  add('Shopify access token', `X-Shopify-Access-Token: ${shpat}`, shpat);
  const linear = j('lin', '_api_', f('linear', ALNUM, 40));
  add('Linear API key', `LINEAR_API_KEY=${linear}`, linear);
  const hf = j('h', 'f_', f('hf', 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ', 34));
  add('Hugging Face token', `huggingface-cli login --token ${hf}`, hf);
  const jwtPayload = Buffer.from(JSON.stringify({ sub: f('jwtsub', ALNUM, 12), iat: 1733300000 })).toString(
    'base64url',
  );
  const jwt = j('eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.', jwtPayload, '.', f('jwtsig', URLSAFE, 43));
  add('JSON Web Token', `Authorization: Bearer ${jwt}`, jwt);
  const pgPass = f('pg', ALNUM, 16);
  add('PostgreSQL URL with a password', `DATABASE_URL=postgres://app:${pgPass}@db.internal:5432/app`, pgPass);
  const mongoPass = f('mongo', ALNUM, 14);
  add('MongoDB URL with a password', `mongodb+srv://admin:${mongoPass}@cluster0.abcde.mongodb.net/prod`, mongoPass);
  const basicPass = f('basic', ALNUM, 12);
  add(
    'URL with basic-auth credentials',
    `git remote add origin https://deploy:${basicPass}@git.example.com/r.git`,
    basicPass,
  );
  const envPassword = f('envpw', `${ALNUM}!@#%^&*`, 18);
  add('.env PASSWORD line', `PASSWORD=${envPassword}`, envPassword, true);
  const dbPassword = f('dbpw', `${ALNUM}!#%&*`, 20);
  add('.env DB_PASSWORD line (quoted)', `DB_PASSWORD="${dbPassword}"`, dbPassword, true);
  const apiKey = f('apikey', ALNUM, 40);
  add('api_key assignment', `api_key = "${apiKey}"`, apiKey, true);
  const bare = crypto.createHash('sha256').update('bare-base64').digest('base64');
  add('bare high-entropy base64 string', `Then paste ${bare} into the settings page.`, bare, true);
  const secretKey = f('django', HEX, 64);
  add('SECRET_KEY of 64 hex characters', `SECRET_KEY=${secretKey}`, secretKey, true);
  const jsonPassword = f('jsonpw', `${ALNUM}-_.`, 16);
  add('JSON "password" field', `{"user": "admin", "password": "${jsonPassword}"}`, jsonPassword, true);
  const gocspx = j('GOC', 'SPX-', f('gocspx', URLSAFE, 28));
  add('Google OAuth client secret', `GOOGLE_CLIENT_SECRET=${gocspx}`, gocspx, true);
  const dapi = j('da', 'pi', f('dapi', HEX, 32));
  add('Databricks token', `databricks configure --token ${dapi}`, dapi, true);
  return formats;
}
