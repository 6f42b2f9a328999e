from siyada.cli import main

main()
