"""`/server/*`: version, ping, features, about, config."""

from __future__ import annotations

from immkit.sim.http import Call, Endpoints

api = Endpoints()


@api.route("GET", "/server/version", auth=False)
def version(call: Call) -> object:
    major, minor, patch = call.state.version
    return {"major": major, "minor": minor, "patch": patch, "prerelease": None}


@api.route("GET", "/server/ping", auth=False)
def ping(call: Call) -> object:
    return {"res": "pong"}


@api.route("GET", "/server/features", auth=False)
def features(call: Call) -> object:
    return {
        "smartSearch": False,
        "facialRecognition": False,
        "duplicateDetection": False,
        "map": True,
        "reverseGeocoding": True,
        "importFaces": False,
        "sidecar": True,
        "search": True,
        "trash": True,
        "oauth": False,
        "oauthAutoLaunch": False,
        "ocr": False,
        "passwordLogin": True,
        "configFile": False,
        "email": False,
        "realtimeTranscoding": False,
    }


@api.route("GET", "/server/about", permission="server.about")
def about(call: Call) -> object:
    v = "v{}.{}.{}".format(*call.state.version)
    return {
        "version": v,
        "versionUrl": f"https://github.com/immich-app/immich/releases/tag/{v}",
        "licensed": False,
        "nodejs": "v24.15.0",
        "exiftool": "13.59",
        "ffmpeg": "5.1.9",
        "libvips": "8.17.3",
        "imagemagick": "",
    }


@api.route("GET", "/server/config", auth=False)
def config(call: Call) -> object:
    return {
        "loginPageMessage": "",
        "trashDays": 30,
        "userDeleteDelay": 7,
        "oauthButtonText": "Login with OAuth",
        "isInitialized": True,
        "isOnboarded": False,
        "externalDomain": "",
        "publicUsers": True,
        "mapDarkStyleUrl": "https://tiles.immich.cloud/v1/style/dark.json",
        "mapLightStyleUrl": "https://tiles.immich.cloud/v1/style/light.json",
        "maintenanceMode": False,
        "minFaces": 3,
    }
