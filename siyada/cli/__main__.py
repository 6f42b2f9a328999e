from siyada.cli.app import main

main()
