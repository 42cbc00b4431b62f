#!/usr/bin/env python3
"""A loopback front for the tests' S3 server (s3rver) that checks every request's SigV4
signature the way AWS does, with botocore's signer as the independent reference.

s3rver accepts any well-formed SigV4 signature; real S3 recomputes it from the secret and
refuses a mismatch. This front recomputes it (botocore.auth.S3SigV4Auth over the request's
signed headers) and answers 403 SignatureDoesNotMatch or InvalidAccessKeyId as S3 would; good
requests go through to s3rver unchanged.

    s3_gate.py LISTEN_PORT UPSTREAM_PORT ACCESS_KEY SECRET_KEY
"""
import http.client
import http.server
import sys

from botocore.auth import S3SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

LISTEN, UPSTREAM, ACCESS_KEY, SECRET_KEY = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4]


def error(code, message):
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>{code}</Code>'
            f'<Message>{message}</Message></Error>').encode()


def check_signature(method, path, headers):
    """None when the request is signed with ACCESS_KEY/SECRET_KEY, else (code, message)."""
    auth = headers.get('Authorization', '')
    if not auth.startswith('AWS4-HMAC-SHA256 '):
        return ('AccessDenied', 'Access Denied')
    fields = dict(part.strip().split('=', 1) for part in auth[len('AWS4-HMAC-SHA256 '):].split(','))
    access_key, date, region, service, _ = fields['Credential'].split('/')
    if access_key != ACCESS_KEY:
        return ('InvalidAccessKeyId', 'The AWS Access Key Id you provided does not exist in our records.')
    signed = fields['SignedHeaders'].split(';')
    request = AWSRequest(method=method, url='http://' + headers['Host'] + path,
                         headers={name: headers[name] for name in signed})
    signer = S3SigV4Auth(Credentials(ACCESS_KEY, SECRET_KEY), service, region)
    request.context['timestamp'] = headers['X-Amz-Date']
    string_to_sign = signer.string_to_sign(request, signer.canonical_request(request))
    if signer.signature(string_to_sign, request) != fields['Signature']:
        return ('SignatureDoesNotMatch', 'The request signature we calculated does not match the '
                'signature you provided. Check your key and signing method.')
    return None


class Gate(http.server.BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'

    def log_message(self, *args):
        pass

    def forward(self):
        length = int(self.headers.get('Content-Length', 0) or 0)
        body = self.rfile.read(length) if length else b''
        refused = check_signature(self.command, self.path, self.headers)
        if refused:
            payload = error(*refused)
            self.send_response(403)
            self.send_header('Content-Type', 'application/xml')
            self.send_header('Content-Length', str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)
            return
        upstream = http.client.HTTPConnection('127.0.0.1', UPSTREAM, timeout=120)
        headers = {k: v for k, v in self.headers.items() if k.lower() not in ('connection', 'expect')}
        upstream.request(self.command, self.path, body=body, headers=headers)
        reply = upstream.getresponse()
        data = reply.read()
        self.send_response(reply.status, reply.reason)
        for k, v in reply.getheaders():
            if k.lower() not in ('connection', 'transfer-encoding', 'content-length', 'keep-alive', 'date', 'server'):
                self.send_header(k, v)
        # A HEAD's Content-Length is the object's size; it has no body.
        length = reply.getheader('Content-Length', '0') if self.command == 'HEAD' else str(len(data))
        self.send_header('Content-Length', length)
        self.end_headers()
        if self.command != 'HEAD':
            self.wfile.write(data)
        upstream.close()

    do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = forward


if __name__ == '__main__':
    http.server.ThreadingHTTPServer.daemon_threads = True
    http.server.ThreadingHTTPServer(('127.0.0.1', LISTEN), Gate).serve_forever()
