"""Save a document with a password through LibreOffice itself (its UNO API), for the tests of
password-protected uploads: ``python3 lo_password.py SOURCE TARGET FILTER PASSWORD PORT``.

Run by the system Python that Debian's python3-uno serves (not the project's venv): it starts a headless
soffice listening on a loopback port, loads SOURCE hidden, stores it to TARGET with FILTER ("writer8",
"Calc MS Excel 2007 XML"...) and the password, and stops soffice. LibreOffice 7.4's --convert-to
cannot set a password, hence this.
"""

import subprocess
import sys
import tempfile
import time
from pathlib import Path

import uno
from com.sun.star.beans import PropertyValue


def _prop(name, value):
    prop = PropertyValue()
    prop.Name, prop.Value = name, value
    return prop


def main():
    source, target, filter_name, password, port = sys.argv[1:6]
    profile = tempfile.mkdtemp(prefix="lo-uno-")
    office = subprocess.Popen(
        ["soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--norestore", "--nologo",
         f"--accept=socket,host=127.0.0.1,port={port};urp;"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        resolver = uno.getComponentContext().ServiceManager.createInstanceWithContext(
            "com.sun.star.bridge.UnoUrlResolver", uno.getComponentContext()
        )
        for _ in range(120):
            try:
                context = resolver.resolve(
                    f"uno:socket,host=127.0.0.1,port={port};urp;StarOffice.ComponentContext"
                )
                break
            except Exception:
                time.sleep(0.5)
        else:
            sys.exit("soffice did not answer")
        desktop = context.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", context)
        document = desktop.loadComponentFromURL(
            uno.systemPathToFileUrl(str(Path(source).resolve())), "_blank", 0, (_prop("Hidden", True),)
        )
        document.storeToURL(
            uno.systemPathToFileUrl(str(Path(target).resolve())),
            (_prop("FilterName", filter_name), _prop("Password", password)),
        )
        document.close(True)
        try:
            desktop.terminate()
        except Exception:
            pass  # the bridge closes as soffice exits
    finally:
        try:
            office.wait(timeout=30)
        except subprocess.TimeoutExpired:
            office.kill()


if __name__ == "__main__":
    main()
