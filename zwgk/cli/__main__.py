from zwgk.cli import main

main(prog_name="zwgk")
