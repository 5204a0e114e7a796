// Independent SigV4 oracle for sigv4_test.cpp: signs one request with the npm package aws4
// and prints the Authorization header. Usage:
//   node aws4_sign.js METHOD HOST PATH[?QUERY] AMZ_DATE REGION PAYLOAD_HASH [SESSION_TOKEN] [Name:value ...]
// aws4 finds its module through NODE_PATH (tests/.node/node_modules, see install-deps.sh).
const aws4 = require('aws4');
const [method, host, path, amzDate, region, payloadHash, token, ...extra] = process.argv.slice(2);
const headers = { 'X-Amz-Date': amzDate, 'X-Amz-Content-Sha256': payloadHash };
const extraHeadersToInclude = {};
for (const header of extra) {
  const colon = header.indexOf(':');
  const name = header.slice(0, colon);
  headers[name] = header.slice(colon + 1);
  // aws4 leaves a few headers (range, ...) unsigned unless told otherwise.
  extraHeadersToInclude[name.toLowerCase()] = true;
}
const credentials = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };
if (token) credentials.sessionToken = token;
const signed = aws4.sign({ service: 's3', region, method, host, path, headers, extraHeadersToInclude,
                           doNotEncodePath: true }, credentials);
console.log(signed.headers.Authorization);
