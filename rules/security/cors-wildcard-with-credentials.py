from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from flask import Flask
from flask_cors import CORS

app = Flask(__name__)
# ruleid: cors-wildcard-with-credentials
CORS(app, supports_credentials=True)

api = FastAPI()
# ruleid: cors-wildcard-with-credentials
api.add_middleware(CORSMiddleware, allow_origins=["*"], allow_credentials=True, allow_methods=["*"])

other = Flask("other")
# ok: cors-wildcard-with-credentials
CORS(other, origins=["https://app.example.com"], supports_credentials=True)

public_api = FastAPI()
# ok: cors-wildcard-with-credentials
public_api.add_middleware(CORSMiddleware, allow_origins=["*"], allow_methods=["GET"])
